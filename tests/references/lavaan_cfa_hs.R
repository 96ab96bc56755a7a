# lavaan CFA tutorial (Rosseel, https://lavaan.ugent.be/tutorial/cfa.html), the three-factor
# model of Holzinger & Swineford (1939). Output in lavaan_cfa_hs.txt as printed by lavaan 0.6-19
# (copy in a public R lesson, stored file id 3551725563 of the code index; the same numbers are
# printed in the lavaan tutorial page). Data: holzinger_swineford_1939.csv, lavaan's
# HolzingerSwineford1939 as CSV, from github.com/Statsomat/CFA @ 7e9cbbe3e73e183ca09189cfa4dfff899d5f0d4a,
# HolzingerSwineford1939.csv (sha256 17eaf75bc8c6bcbcf1e7a9340b01709c791710c272557c8fdafeeeb1ce9dbcaf).
library(lavaan)
HS.model <- 'visual  =~ x1 + x2 + x3
             textual =~ x4 + x5 + x6
             speed   =~ x7 + x8 + x9'
fit <- cfa(HS.model, data = HolzingerSwineford1939)
summary(fit, standardized = TRUE, fit.measures = TRUE, rsquare = TRUE)
fitted(fit)

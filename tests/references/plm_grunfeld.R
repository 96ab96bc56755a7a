# Produces tests/references/plm_grunfeld_random.txt and plm_grunfeld_hausman.txt
# (excerpts of plm's package tests inst/tests/test_Estimators.R and
#  inst/tests/test_phtest_Hausman_regression.R)
library(plm)
data("Grunfeld", package = "plm")
Grunfeld_unbal <- Grunfeld[1:199, ]
summary(plm(inv ~ value + capital, data = Grunfeld, model = "within"))
summary(plm(inv ~ value + capital, data = Grunfeld, model = "random", random.method = "swar"))
summary(plm(inv ~ value + capital, data = Grunfeld_unbal, model = "random", random.method = "swar"))
options(digits = 10)
Grunfeldpdata <- pdata.frame(Grunfeld, index = c("firm", "year"), drop.index = FALSE, row.names = TRUE)
fe_grun <- plm(inv ~ value + capital, data = Grunfeldpdata, model = "within")
re_grun <- plm(inv ~ value + capital, data = Grunfeldpdata, model = "random")
phtest(fe_grun, re_grun)
vcov(fe_grun) * 1000

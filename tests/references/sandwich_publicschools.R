# Produces tests/references/sandwich_publicschools.txt
# (vignette "sandwich" of R sandwich, section 4.1, and the example of ?vcovJK)
library(sandwich); library(lmtest)
data("PublicSchools")
ps <- na.omit(PublicSchools)
ps$Income <- ps$Income * 1e-04
fm.ps <- lm(Expenditure ~ Income + I(Income^2), data = ps)
coeftest(fm.ps, df = Inf, vcov = vcovHC(fm.ps, type = "HC0"))
data("PublicSchools", package = "sandwich")
m1 <- lm(Expenditure ~ poly(Income, 2), data = PublicSchools)
vcovJK(m1, center = "estimate")
vcovHC(m1, type = "HC3") * (nobs(m1) - 1)/nobs(m1)

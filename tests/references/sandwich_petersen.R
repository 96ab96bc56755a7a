# R sandwich (Zeileis, Koell & Graham 2020, J. Stat. Softw. 95(1)); example of ?vcovBS.
library(sandwich)
data("PetersenCL", package = "sandwich")
m <- lm(y ~ x, data = PetersenCL)
cbind(
  "classical" = sqrt(diag(vcov(m))),
  "HC-cluster" = sqrt(diag(vcovCL(m, cluster = ~ firm)))
)
# Petersen (2009, RFS 22) and his web page "Programming advice - using standard errors
# in finance panel data sets" publish for this test data set the OLS standard errors
# clustered by firm, by year, and by firm and year (Cameron-Gelbach-Miller two-way):

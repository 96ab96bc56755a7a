# The R calls behind r_multtest_padjust.txt (run by the statsmodels authors, not here):
library(multtest)
pval0 <- c(0.838541367553, 0.642193923795, 0.680845947633, 0.967833824309, 0.71626938238,
           0.177096952723, 5.23656777208e-05, 0.0202732688798, 0.00028140506198, 0.0149877310796)
mt.rawp2adjp(pval0, proc = c("Bonferroni", "Holm", "Hochberg", "SidakSS", "SidakSD", "BH", "BY"))
# [hommel] section: p.adjust(p, method = "hommel") for the 40 p-values listed there

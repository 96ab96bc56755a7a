# lme4 (Bates, Maechler, Bolker & Walker 2015, J. Stat. Softw. 67(1)), REML fits.
library(lme4)
summary(lmer(Reaction ~ Days + (1 | Subject), sleepstudy))
summary(lmer(Reaction ~ Days + (Days | Subject), sleepstudy))
# Note (ogl-impact): the random-slope variances printed with 8 digits lie 1.4e-9 above the
# minimum of the REML criterion (statsmodels' MixedLM likelihood agrees); the criterion is that
# flat there, so these digits carry the optimiser's stopping point: 612.10016 against the
# minimum at 612.0902. The tests compare them to 5e-5 and check that our optimum is not worse.

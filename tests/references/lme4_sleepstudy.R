# lme4 (Bates, Maechler, Bolker & Walker 2015, J. Stat. Softw. 67(1)), REML fits.
library(lme4)
summary(lmer(Reaction ~ Days + (1 | Subject), sleepstudy))
summary(lmer(Reaction ~ Days + (Days | Subject), sleepstudy))

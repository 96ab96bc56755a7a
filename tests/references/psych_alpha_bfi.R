# R psych (Revelle) alpha() on the five agreeableness items of psych's bfi, with psych's
# reverse-keying (check.keys = TRUE flips A1, printed as "A1-"). The printed output in
# psych_alpha_bfi.txt is copied from a public R tutorial (stored file id 62112820130 of the
# code index: "SPSS: RELIABILITY ..." comparison), psych version not stated there.
library(psych)
agree_alpha <- alpha(bfi[, 1:5], check.keys = TRUE)
agree_alpha
# Only the first table (raw_alpha, std.alpha, average_r, median_r of all five items) is used.
# The "Reliability if an item is dropped" rows come from a psych version before the fix of
# 2024-05-17 in R/alpha.R ("R <- key.d %*% R %*% key.d  #added 5/17/24 following report of a
# bug", github.com/cran/psych @ 9e3254464723e8722c4a4f5b106919040efa876e, version 2.5.3): with
# check.keys = TRUE the reversed item entered some drop-one statistics unreversed (A5 dropped:
# printed 0.62 / 0.63 / 0.30 where the reversed data give 0.643 / 0.656 / 0.322).

# R effectsize (Ben-Shachar, Luedecke & Makowski 2020), version 1.0.3.
# Expected values of Glass's delta as asserted in effectsize's own test suite:
# github.com/easystats/effectsize @ 3ccf23245a3022dd31d988453e59a11a02c729df,
# tests/testthat/test-cohens_d.R, test_that("glass_delta", ...).
library(effectsize)
glass_delta(wt ~ am, data = mtcars, adjust = FALSE)  # reference group: am == 1 (second level)
glass_delta(wt ~ am, data = mtcars)                  # adjust = TRUE: Glass_delta_adjusted

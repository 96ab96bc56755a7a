# R effectsize (Ben-Shachar, Luedecke & Makowski 2020), documentation examples.
library(effectsize)
cohens_d(mpg ~ am, data = mtcars)
hedges_g(mpg ~ am, data = mtcars)

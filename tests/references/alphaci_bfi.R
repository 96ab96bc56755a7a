# README of the R package alphaci (J. Moss, github.com/JonasMoss/alphaci):
# coefficient alpha of the agreeableness items with A1 reverse-keyed, complete cases.
library("alphaci")
library("psychTools")
x <- bfi[, 1:5]
x[, 1] <- 7 - x[, 1] # Reverse-coded item.
alphaci(x)

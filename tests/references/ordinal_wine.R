# R package ordinal (Christensen), cumulative link model of the wine data.
library(ordinal)
m2 <- clm(rating ~ temp + contact, data = wine)
summary(m2)

# Produces tests/references/r_welch_mtcars.txt
t.test(mpg ~ am, data = mtcars)

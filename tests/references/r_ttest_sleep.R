# R stats::t.test help page example (Student's sleep data).
t.test(extra ~ group, data = sleep)
t.test(extra ~ group, data = sleep, var.equal = TRUE)
with(sleep, t.test(extra[group == 1], extra[group == 2], paired = TRUE))

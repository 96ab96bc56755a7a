# WildBootTests.jl README (D. Roodman): wild cluster bootstrap of H0: coefficient on x = 1,
# clustered by firm, Rademacher weights, null imposed (WCR), 99999 replications.
using WildBootTests, CSV, DataFrames, StatsModels, GLM
df = CSV.read(download("https://raw.github.com/vincentarelbundock/Rdatasets/master/csv/sandwich/PetersenCL.csv"), DataFrame)
f = apply_schema(@formula(y ~ 1 + x), schema(@formula(y ~ 1 + x), df))
resp, predexog = modelcols(f, df)
clustid = df.firm
R = [0 1.]; r = [1]
test = wildboottest((R, r); resp=resp, predexog=predexog, clustid=clustid, reps=99999)
p(test); CI(test)

-- GET BENCH_PATH with the bearer token BENCH_TOKEN (benchmark 1, read).
wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

using GenieHive.Bench.Load;

// The GenieHive benchmark harness (bench/run.sh calls it after building Release): `run [--quick] [--gc MODE] [--phases ...]`.
return await HarnessMain.RunAsync(args, BenchSettings.Parse, BenchRunner.RunAsync, "bench");

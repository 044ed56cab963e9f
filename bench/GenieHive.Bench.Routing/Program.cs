using BenchmarkDotNet.Running;

// Route selection benchmarks: `dotnet run -c Release --project bench/GenieHive.Bench.Routing -- --filter '*'`.
BenchmarkSwitcher.FromAssembly(typeof(GenieHive.Bench.Routing.RouteSelectionBenchmarks).Assembly).Run(args);

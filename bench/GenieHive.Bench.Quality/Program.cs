using GenieHive.Bench.Load;
using GenieHive.Bench.Quality;

// The routing-quality benchmark (bench/quality.sh calls it after building Release): `run [--quick] [--scenarios ...] [--arms ...]`.
return await HarnessMain.RunAsync(args, QualitySettings.Parse, QualityRunner.RunAsync, "quality");

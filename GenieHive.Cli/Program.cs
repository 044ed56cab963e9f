using GenieHive.Cli;

// geniehive: benchmark the cluster, explain routes and look at the cluster, through the facade's operator API.
return await CliApplication.RunAsync(args, new CliConsole(Console.Out, Console.Error, interactive: !Console.IsOutputRedirected), Environment.GetEnvironmentVariable);

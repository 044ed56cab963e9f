namespace GenieHive.Control.Benchmarks.Workloads;

/// <summary>The workloads file is invalid: Control refuses to start. The message names the file and the field.</summary>
public sealed class WorkloadFileException(string message, Exception? inner = null) : Exception(message, inner);

using BenchmarkDotNet.Running;

// The export benchmark is a plain timed run (deploy/bench/export.sh compares it with psql's COPY and measures RSS).
if (args.Length > 0 && args[0] == "export-run")
{
    return await Portal.Benchmarks.Export.ExportRunner.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "generalize-check")
{
    return Portal.Benchmarks.Generalization.GeneralizationCheck.Run();
}

if (args.Length > 2 && args[0] == "generalize-report")
{
    return Portal.Benchmarks.Generalization.GeneralizationReport.Run(args[1], args[2]);
}

if (args.Length > 1 && args[0] == "policy-probes")
{
    return Portal.Benchmarks.Policy.PolicyDecisionBenchmark.WriteProbes(args[1]);
}

if (args.Length > 0 && args[0] == "policy-scan")
{
    return Portal.Benchmarks.Policy.PolicyScan.Run();
}

if (args.Length > 0 && args[0] == "memory-latency")
{
    return Portal.Benchmarks.Policy.MemoryLatencyScan.Run();
}

// Each benchmark lives in its own folder; deploy/bench.sh <name> picks one by filter.
BenchmarkSwitcher.FromAssembly(typeof(Portal.Benchmarks.Export.ExportRunner).Assembly).Run(args);
return 0;

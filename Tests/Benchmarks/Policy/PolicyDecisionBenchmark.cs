using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Portal.Policy;
using Portal.Policy.Model;

namespace Portal.Benchmarks.Policy;

/// <summary>
/// Export decisions on one thread over 100,000 grants. One benchmark invocation answers every question once;
/// BDN reports time and bytes per decision thanks to OperationsPerInvoke.
/// <see cref="WriteProbes"/> writes the Cedar input, a Stopwatch p99 (see <see cref="LatencyProbe"/>) and the cost of
/// incremental updates (see <see cref="UpdateProbe"/>) from a separate process.
/// </summary>
[Config(typeof(ShortConfig))]
[MemoryDiagnoser]
public class PolicyDecisionBenchmark
{
    private PolicySnapshot _snapshot = null!;
    private AccessQuestion[] _requests = [];

    [GlobalSetup]
    public void Setup()
    {
        var data = new PolicyBenchData();
        _snapshot = PolicySnapshot.Build(data.Data);
        _requests = data.Requests;
    }

    /// <summary>
    /// The Cedar input, the Stopwatch p99 and the update costs, in a process of their own: run inside the benchmark's
    /// setup, their garbage (a second 100,000-grant world) and their JIT profile slowed the measured loop by ~20 %.
    /// The data is seeded, so both processes see the same world and the same questions.
    /// </summary>
    public static int WriteProbes(string outDir)
    {
        var data = new PolicyBenchData();
        var snapshot = PolicySnapshot.Build(data.Data);
        Directory.CreateDirectory(outDir);
        CedarExport.Write(Path.Combine(outDir, "cedar-input.json"), data, snapshot);
        LatencyProbe.Write(Path.Combine(outDir, "latency.txt"), snapshot, data.Requests);
        UpdateProbe.Write(Path.Combine(outDir, "updates.txt"), data);
        return 0;
    }

    [Benchmark(OperationsPerInvoke = PolicyBenchData.Questions)]
    public int Decide()
    {
        var permits = 0;
        var snapshot = _snapshot;
        foreach (ref readonly var request in _requests.AsSpan())
        {
            permits += snapshot.Decide(request).IsPermit ? 1 : 0;
        }
        return permits;
    }

    private sealed class ShortConfig : ManualConfig
    {
        public ShortConfig()
        {
            // In-process: no generated project to build, which keeps the whole run within the script's budget.
            // 15 iterations of ~20 ms each: the machine is shared, and 5 left the mean at the mercy of one busy moment.
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(5).WithIterationCount(15));
        }
    }
}

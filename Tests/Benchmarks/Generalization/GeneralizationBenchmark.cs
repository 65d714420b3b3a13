using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Portal.Connectors.Anonymization.Generalization;

namespace Portal.Benchmarks.Generalization;

/// <summary>
/// Time to the optimal node on Adult (k = 5, 0 % suppression, non-uniform entropy): the Flash search and the
/// exhaustive search over all 4,320 nodes, in the same run. Both start from the same table of distinct
/// quasi-identifier combinations (reading and counting the CSV is outside the timing, as in ARX's benchmark).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class GeneralizationBenchmark
{
    private GeneralizationInput _input = null!;

    [GlobalSetup]
    public void Setup() => _input = AdultInput.Load();

    [Benchmark(Baseline = true)]
    public int Flash() => FlashSearch.Run(_input, AdultInput.Settings).Node;

    [Benchmark]
    public int Exhaustive() => ExhaustiveSearch.Run(_input, AdultInput.Settings).Node;

    private sealed class InProcessConfig : ManualConfig
    {
        public InProcessConfig()
        {
            // In-process (as the policy benchmark): no generated project to build. 3 warm-up and 15 measured
            // iterations: the machine is shared, and the exhaustive search takes about a second per iteration.
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(15));
        }
    }
}

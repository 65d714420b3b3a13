using BenchmarkDotNet.Attributes;
using Portal.Connectors.Anonymization.Generalization;

namespace Portal.Benchmarks.Generalization;

/// <summary>
/// Time to the optimal node on Adult (k = 5, 0 % suppression, non-uniform entropy): the Flash search and the
/// exhaustive search over all 4,320 nodes, in the same run. Both start from the same table of distinct
/// quasi-identifier combinations (reading and counting the CSV is outside the timing, as in ARX's benchmark).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class GeneralizationBenchmark
{
    private GeneralizationInput _input = null!;

    [GlobalSetup]
    public void Setup() => _input = AdultInput.Load();

    [Benchmark(Baseline = true)]
    public int Flash() => FlashSearch.Run(_input, AdultInput.Settings).Node;

    [Benchmark]
    public int Exhaustive() => ExhaustiveSearch.Run(_input, AdultInput.Settings).Node;
}

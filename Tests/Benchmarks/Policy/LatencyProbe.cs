using System.Diagnostics;
using System.Globalization;
using Portal.Policy;
using Portal.Policy.Model;

namespace Portal.Benchmarks.Policy;

/// <summary>
/// BDN measures means of whole iterations; the latency of one decision needs its own loop. Each decision is
/// timed alone with Stopwatch timestamps, and the cost of reading the timer (median of empty pairs) is subtracted.
/// It runs in the benchmark's setup, before BDN's warm-up, so it warms up itself first: otherwise it would time the
/// unoptimised first-tier JIT code instead of the code BDN measures.
/// </summary>
internal static class LatencyProbe
{
    private const int Rounds = 30;

    public static void Write(string path, PolicySnapshot snapshot, AccessQuestion[] requests)
    {
        WarmUp(snapshot, requests);
        var samples = new long[requests.Length * Rounds];
        var permits = 0;
        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < requests.Length; i++)
            {
                var start = Stopwatch.GetTimestamp();
                permits += snapshot.Decide(requests[i]).IsPermit ? 1 : 0;
                samples[(round * requests.Length) + i] = Stopwatch.GetTimestamp() - start;
            }
        }
        var overhead = TimerOverhead();
        Array.Sort(samples);
        double Ns(double quantile) => Math.Max(0, samples[(int)(quantile * (samples.Length - 1))] - overhead) * 1e9 / Stopwatch.Frequency;
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture,
            $"p50_ns={Ns(0.50):F0}\np99_ns={Ns(0.99):F0}\np999_ns={Ns(0.999):F0}\ntimer_overhead_ns={overhead * 1e9 / Stopwatch.Frequency:F0}\npermit_share={permits / (double)samples.Length:F3}\n"));
    }

    // Tiered JIT promotes hot methods after enough calls and a short background delay; give it both.
    private static void WarmUp(PolicySnapshot snapshot, AccessQuestion[] requests)
    {
        for (var round = 0; round < 5; round++)
        {
            foreach (ref readonly var request in requests.AsSpan())
            {
                snapshot.Decide(request);
            }
            Thread.Sleep(200);
        }
    }

    private static long TimerOverhead()
    {
        var empty = new long[100_000];
        for (var i = 0; i < empty.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            empty[i] = Stopwatch.GetTimestamp() - start;
        }
        Array.Sort(empty);
        return empty[empty.Length / 2];
    }
}

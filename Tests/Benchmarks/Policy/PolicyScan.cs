using System.Globalization;
using System.Runtime.InteropServices;
using Portal.Policy;

namespace Portal.Benchmarks.Policy;

/// <summary>
/// Diagnosis, not a headline figure: the decision time of the benchmark's questions over worlds of several sizes
/// (users, datasets, grants), each with the bytes its snapshot holds. Where the time jumps as the world grows
/// shows which cache level the index has outgrown. Run: <c>Portal.Benchmarks.dll policy-scan</c>. Times are the thread's
/// CPU time (CLOCK_THREAD_CPUTIME_ID), not wall-clock: on a machine shared with builds, wall-clock time mostly
/// measures how long the thread waited for a core.
/// </summary>
internal static class PolicyScan
{
    private const int ClockThreadCpuTime = 3;
    private static readonly (int Users, int Datasets, int Grants)[] Worlds =
    [
        (10_000, 1_000, 100_000), (10_000, 1_000, 50_000), (10_000, 1_000, 20_000), (10_000, 1_000, 5_000),
        (2_000, 1_000, 100_000), (10_000, 200, 100_000), (1_000, 100, 10_000), (500, 20, 1_000), (10_000, 1_000, 100_000),
    ];

    public static int Run()
    {
        var only = Environment.GetEnvironmentVariable("POLICY_SCAN_FIRST") is { } first ? int.Parse(first, CultureInfo.InvariantCulture) : Worlds.Length;
        foreach (var (users, datasets, grants) in Worlds.Take(only))
        {
            Console.WriteLine(Measure(users, datasets, grants));
        }
        return 0;
    }

    // A method of its own, so that nothing of one world is still reachable while the next is measured.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static string Measure(int users, int datasets, int grants)
    {
        var data = new PolicyBenchData(users, datasets, grants);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var snapshot = PolicySnapshot.Build(data.Data);
        var bytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        // POLICY_SCAN_ACTION=ViewMetadata (or another action) asks the same questions with another action: an
        // ablation that leaves out the grant lookups of exports.
        var requests = Environment.GetEnvironmentVariable("POLICY_SCAN_ACTION") is { } action
            ? [.. data.Requests.Select(r => r with { Action = Enum.Parse<Portal.Policy.Model.PolicyAction>(action) })]
            : data.Requests;
        var (median, min) = NsPerDecision(snapshot, requests);
        GC.KeepAlive(data);
        return string.Create(CultureInfo.InvariantCulture,
            $"users {users,6} datasets {datasets,5} grants {grants,7}: snapshot {bytes / 1048576.0,6:F1} MB, median {median,6:F1} ns/decision ({1e3 / median:F2} M/s), min {min,6:F1} ns ({1e3 / min:F2} M/s)");
    }

    private static (double Median, double Min) NsPerDecision(PolicySnapshot snapshot, Portal.Policy.Model.AccessQuestion[] requests)
    {
        var rounds = new double[41];
        for (var r = -5; r < rounds.Length; r++)
        {
            var start = ThreadCpuNs();
            var permits = 0;
            foreach (ref readonly var request in requests.AsSpan())
            {
                permits += snapshot.Decide(request).IsPermit ? 1 : 0;
            }
            var elapsed = (ThreadCpuNs() - start) / (double)requests.Length;
            if (r >= 0)
            {
                rounds[r] = elapsed + (permits < 0 ? 1 : 0);
            }
            else
            {
                Thread.Sleep(100);
            }
        }
        Array.Sort(rounds);
        return (rounds[rounds.Length / 2], rounds[0]);
    }

    private static long ThreadCpuNs()
    {
        if (ClockGetTime(ClockThreadCpuTime, out var t) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }
        return (t.Seconds * 1_000_000_000L) + t.Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

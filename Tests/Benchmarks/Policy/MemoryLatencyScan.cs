using System.Globalization;
using System.Runtime.InteropServices;

namespace Portal.Benchmarks.Policy;

/// <summary>
/// Diagnosis, not a headline figure: the machine's load-to-use latency by working-set size (a pointer chase through
/// a random cycle of 64-byte lines, thread CPU time), so that a policy figure can be read against the cache it runs
/// on. A random decision over 100,000 grants makes a few such dependent loads into structures of several MB.
/// Run: <c>Portal.Benchmarks.dll memory-latency</c>.
/// </summary>
internal static class MemoryLatencyScan
{
    private const int LineInts = 16;
    private const int ClockThreadCpuTime = 3;

    public static int Run()
    {
        foreach (var kb in new[] { 32, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 262144 })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kb,7} KB: {NsPerLoad(kb * 1024 / 64),6:F1} ns per dependent load"));
        }
        return 0;
    }

    private static double NsPerLoad(int lines)
    {
        // Each line's first int holds the index of the next line's first int: a single random cycle over all lines.
        var memory = GC.AllocateArray<int>(lines * LineInts, pinned: true);
        var order = Enumerable.Range(0, lines).ToArray();
        new Random(42).Shuffle(order);
        for (var i = 0; i < lines; i++)
        {
            memory[order[i] * LineInts] = order[(i + 1) % lines] * LineInts;
        }
        var at = 0;
        for (var i = 0; i < lines; i++)
        {
            at = memory[at];
        }
        const int Loads = 10_000_000;
        var start = ThreadCpuNs();
        for (var i = 0; i < Loads; i++)
        {
            at = memory[at];
        }
        var ns = (ThreadCpuNs() - start) / (double)Loads;
        return at < 0 ? -1 : ns;
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

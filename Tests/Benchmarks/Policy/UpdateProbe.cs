using System.Diagnostics;
using System.Globalization;
using Portal.Policy;
using Portal.Policy.Model;

namespace Portal.Benchmarks.Policy;

/// <summary>
/// The cost of one incremental update on the benchmark world (100,000 grants), as the portal applies them from
/// change notifications: each kind of change is applied many times through <see cref="PolicyEngine"/> and timed
/// alone (microseconds). Each kind runs twice: "cold" is the first pass (first-tier JIT code, as for a rare
/// notification in a quiet portal), "warm" the second pass after a pause that lets the tiered JIT optimise it.
/// Writes one line per kind: the warm median, the cold median and the maximum over both passes.
/// </summary>
internal static class UpdateProbe
{
    private const int Repeats = 300;

    public static void Write(string path, PolicyBenchData data)
    {
        var engine = new PolicyEngine(data.Data);
        var grants = data.GrantList;
        var memberships = data.Memberships;
        var subjects = data.Subjects;
        var datasets = data.DatasetList;
        var lines = new List<string>
        {
            Line("revoke_grant", engine, i => engine.UpsertGrant(grants[i * 331 % grants.Count] with { RevokedAt = PolicyBenchData.Now })),
            Line("add_grant", engine, i => engine.UpsertGrant(grants[i * 331 % grants.Count] with { Id = PolicyBenchData.Id(7, i) })),
            Line("remove_grant", engine, i => engine.RemoveGrant(PolicyBenchData.Id(7, i))),
            Line("upsert_membership", engine, i => engine.UpsertMembership(memberships[i * 97 % memberships.Count] with { Role = MemberRole.Auditor })),
            Line("suspend_user", engine, i => engine.SetSuspended(subjects[i * 37 % subjects.Count].Id, suspended: true)),
            Line("upsert_dataset", engine, i => engine.UpsertDataset(datasets[i * 13 % datasets.Count] with { Status = DatasetAvailability.Withdrawn })),
            Line("full_load", engine, _ => engine.Load(data.Data), repeats: 3),
        };
        File.WriteAllLines(path, lines);
    }

    private static string Line(string name, PolicyEngine engine, Action<int> update, int repeats = Repeats)
    {
        var cold = Pass(update, 1, repeats);
        Thread.Sleep(200);
        var warm = Pass(update, 1 + repeats, repeats);
        double Us(long ticks) => ticks * 1e6 / Stopwatch.Frequency;
        return string.Create(CultureInfo.InvariantCulture,
            $"{name} median_us={Us(warm[warm.Length / 2]):F1} cold_median_us={Us(cold[cold.Length / 2]):F1} max_us={Us(Math.Max(cold[^1], warm[^1])):F1} (grants {engine.Current.GrantCount})");
    }

    // Each pass numbers its changes on (update(first), update(first + 1), …): added grants get new ids, and the
    // removals that follow the additions find them.
    private static long[] Pass(Action<int> update, int first, int repeats)
    {
        var samples = new long[repeats];
        for (var i = 0; i < repeats; i++)
        {
            var start = Stopwatch.GetTimestamp();
            update(first + i);
            samples[i] = Stopwatch.GetTimestamp() - start;
        }
        Array.Sort(samples);
        return samples;
    }
}

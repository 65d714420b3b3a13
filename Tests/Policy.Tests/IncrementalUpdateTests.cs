using Portal.Policy.Model;
using Portal.Policy.Tests.Reference;

namespace Portal.Policy.Tests;

public class IncrementalUpdateTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void After_any_sequence_of_changes_decisions_match_a_fresh_bulk_build(int seed)
    {
        var world = new RandomWorld(seed);
        var truth = new Truth(world.Data());
        var snapshot = PolicySnapshot.Build(truth.ToData());

        for (var step = 0; step < 400; step++)
        {
            snapshot = ApplyRandomChange(world, truth, snapshot);
            if (step % 20 == 19)
            {
                var fresh = PolicySnapshot.Build(truth.ToData());
                for (var i = 0; i < 300; i++)
                {
                    var request = world.Request(truth.ToData());
                    var expected = fresh.Decide(request);
                    var actual = snapshot.Decide(request);
                    Assert.True(expected == actual, $"seed {seed} step {step}: {request}\nfresh {expected.Effect} {expected.Reasons}\nincremental {actual.Effect} {actual.Reasons}");
                }
                Assert.Equal(fresh.GrantCount, snapshot.GrantCount);
                Assert.Equal(fresh.DatasetCount, snapshot.DatasetCount);
            }
        }
    }

    private static PolicySnapshot ApplyRandomChange(RandomWorld w, Truth truth, PolicySnapshot s)
    {
        var r = w.Random;
        switch (r.Next(9))
        {
            case 0:
                var grant = w.Grant(r.Next(RandomWorld.GrantIds));
                truth.Grants[grant.Id] = grant;
                return s.WithGrant(grant);
            case 1:
                var grantId = RandomWorld.GrantId(r.Next(RandomWorld.GrantIds));
                truth.Grants.Remove(grantId);
                return s.WithoutGrant(grantId);
            case 2:
                var m = w.Membership(r.Next(RandomWorld.Users), r.Next(RandomWorld.Vos));
                truth.Memberships[(m.UserId, m.VoId)] = m;
                return s.WithMembership(m);
            case 3:
                var (user, vo) = (RandomWorld.User(r.Next(RandomWorld.Users)), RandomWorld.Vo(r.Next(RandomWorld.Vos)));
                truth.Memberships.Remove((user, vo));
                return s.WithoutMembership(user, vo);
            case 4:
                var d = w.Dataset(r.Next(RandomWorld.DatasetCount));
                truth.Datasets[d.Id] = d;
                return s.WithDataset(d);
            case 5:
                var datasetId = RandomWorld.DatasetId(r.Next(RandomWorld.DatasetCount));
                truth.Datasets.Remove(datasetId);
                return s.WithoutDataset(datasetId);
            case 6:
                var subject = w.Subject(r.Next(RandomWorld.Users));
                truth.Subjects[subject.Id] = subject;
                return s.WithSubject(subject);
            case 7:
                var userId = RandomWorld.User(r.Next(RandomWorld.Users));
                truth.Subjects.Remove(userId);
                return s.WithoutSubject(userId);
            default:
                var known = truth.Subjects.Values.ToList();
                if (known.Count == 0)
                {
                    return s;
                }
                var who = w.Pick(known);
                truth.Subjects[who.Id] = who with { Suspended = !who.Suspended };
                return s.WithSuspension(who.Id, !who.Suspended);
        }
    }

    /// <summary>The state a change stream describes, kept as plain dictionaries.</summary>
    private sealed class Truth(PolicyData data)
    {
        public Dictionary<Guid, Subject> Subjects { get; } = data.Subjects.ToDictionary(s => s.Id);

        public Dictionary<(Guid, Guid), MembershipFact> Memberships { get; } = data.Memberships.ToDictionary(m => (m.UserId, m.VoId));

        public Dictionary<Guid, DatasetFact> Datasets { get; } = data.Datasets.ToDictionary(d => d.Id);

        public Dictionary<Guid, GrantFact> Grants { get; } = data.Grants.ToDictionary(g => g.Id);

        public PolicyData ToData() => new([.. Subjects.Values], [.. Memberships.Values], [.. Datasets.Values], [.. Grants.Values]);
    }
}

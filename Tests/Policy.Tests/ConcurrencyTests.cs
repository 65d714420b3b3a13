using Portal.Policy.Model;

namespace Portal.Policy.Tests;

public class ConcurrencyTests
{
    [Fact]
    public async Task Readers_during_writes_see_either_the_old_or_the_new_state_never_a_mix()
    {
        // Two users, each permitted through their own grant. A writer flips both "off" in one Update
        // (revoke Bob's grant, suspend Alice) and back "on"; a reader deciding both on one snapshot must get
        // two permits or two denies.
        var valid = new ValidExport();
        var bob = ValidExport.Id(7);
        var bobsGrant = valid.Grant with { Id = ValidExport.Id(45), Target = GrantTarget.Person(bob) };
        var engine = new PolicyEngine(valid.Snapshot().WithSubject(new Subject(bob, ValidExport.InstitutionA)).WithGrant(bobsGrant));
        var asAlice = valid.Request;
        var asBob = valid.Request with { SubjectId = bob };
        Assert.True(engine.Decide(asAlice).IsPermit && engine.Decide(asBob).IsPermit);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var flips = 0;
        var writer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var off = flips % 2 == 0;
                engine.Update(s => s
                    .WithGrant(bobsGrant with { RevokedAt = off ? ValidExport.Now : null })
                    .WithSuspension(ValidExport.Alice, off));
                flips++;
            }
        });
        var readers = Enumerable.Range(0, Math.Max(2, Environment.ProcessorCount)).Select(_ => Task.Run(() =>
        {
            var mixed = 0;
            var seen = new HashSet<bool>();
            while (!stop.IsCancellationRequested)
            {
                var snapshot = engine.Current;
                var alice = snapshot.Decide(asAlice).IsPermit;
                var bobPermitted = snapshot.Decide(asBob).IsPermit;
                mixed += alice == bobPermitted ? 0 : 1;
                seen.Add(alice);
            }
            return (mixed, seen.Count);
        })).ToArray();

        await writer;
        var results = await Task.WhenAll(readers);

        Assert.True(flips > 10, $"the writer only flipped {flips} times");
        Assert.All(results, r => Assert.Equal(0, r.mixed));
        Assert.Contains(results, r => r.Count == 2);
    }

    [Fact]
    public void A_held_snapshot_is_not_changed_by_later_updates()
    {
        var valid = new ValidExport();
        var engine = new PolicyEngine(valid.Snapshot());
        var before = engine.Current;

        engine.UpsertGrant(valid.Grant with { RevokedAt = ValidExport.Now });

        Assert.True(before.Decide(valid.Request).IsPermit);
        Assert.Equal(ReasonSet.Of(ReasonCode.GrantRevoked), engine.Decide(valid.Request).Reasons);
        Assert.True(engine.Current.Version > before.Version);
    }

    [Fact]
    public void Every_engine_update_is_visible_to_the_next_decision()
    {
        var valid = new ValidExport();
        var engine = new PolicyEngine(new PolicyData([], [], [], []));
        Assert.False(engine.Decide(valid.Request).IsPermit);

        engine.UpsertSubject(valid.Subject);
        engine.UpsertMembership(valid.Membership);
        engine.UpsertDataset(valid.Dataset);
        engine.UpsertGrant(valid.Grant);
        Assert.True(engine.Decide(valid.Request).IsPermit);

        engine.SetSuspended(ValidExport.Alice, suspended: true);
        Assert.Equal(ReasonSet.Of(ReasonCode.SubjectSuspended), engine.Decide(valid.Request).Reasons);
        engine.SetSuspended(ValidExport.Alice, suspended: false);
        engine.RemoveMembership(ValidExport.Alice, ValidExport.Cohort);
        Assert.Equal(ReasonSet.Of(ReasonCode.GrantNone), engine.Decide(valid.Request).Reasons);
        engine.UpsertMembership(valid.Membership);
        engine.RemoveGrant(ValidExport.GrantId);
        Assert.Equal(ReasonSet.Of(ReasonCode.GrantNone), engine.Decide(valid.Request).Reasons);
        engine.UpsertGrant(valid.Grant);
        engine.RemoveDataset(ValidExport.HivDataset);
        Assert.Equal(ReasonSet.Of(ReasonCode.DatasetUnknown), engine.Decide(valid.Request).Reasons);
        engine.UpsertDataset(valid.Dataset);
        engine.RemoveSubject(ValidExport.Alice);
        Assert.Equal(ReasonSet.Of(ReasonCode.SubjectUnknown), engine.Decide(valid.Request).Reasons);
        engine.Load(valid.Snapshot().ToData());
        Assert.True(engine.Decide(valid.Request).IsPermit);
    }
}

using Portal.Policy.Model;
using Portal.Policy.Tests.Reference;

namespace Portal.Policy.Tests;

public class PropertyTests
{
    private const int Worlds = 1_000;
    private const int RequestsPerWorld = 100;

    [Fact]
    public void The_engine_agrees_with_the_naive_reference_on_100_000_random_cases()
    {
        var compared = 0;
        var permits = 0;
        var exportPermits = 0;
        for (var seed = 0; seed < Worlds; seed++)
        {
            var world = new RandomWorld(seed);
            var data = world.Data();
            var snapshot = PolicySnapshot.Build(data);
            var reference = new NaivePolicy(data);
            for (var i = 0; i < RequestsPerWorld; i++)
            {
                var request = world.Request(data);
                AssertSame(reference.Decide(request), snapshot.Decide(request), $"seed {seed}, request {i}: {request}");
                compared++;
                var permitted = snapshot.Decide(request).IsPermit;
                permits += permitted ? 1 : 0;
                exportPermits += permitted && request.Action == PolicyAction.ExportData ? 1 : 0;
            }
        }

        Assert.Equal(100_000, compared);
        // Not a tautology of denials: a healthy share of random cases must be permitted.
        Assert.InRange(permits, 2_000, 95_000);
        Assert.True(exportPermits >= 2_000, $"only {exportPermits} exports permitted");
    }

    internal static void AssertSame(
        (Effect Effect, HashSet<string> Reasons, Guid? GrantId, DateTimeOffset? ExpiresAt) expected, Decision actual, string what)
    {
        var actualCodes = actual.Reasons.ToList().Select(ReasonCatalog.Code).Order().ToList();
        Assert.True(expected.Effect == actual.Effect && expected.Reasons.Order().SequenceEqual(actualCodes),
            $"{what}\nexpected {expected.Effect} [{string.Join(", ", expected.Reasons.Order())}]\nactual   {actual.Effect} [{string.Join(", ", actualCodes)}]");
        if (expected.GrantId is { } grant)
        {
            Assert.True(grant == actual.Obligations.PseudonymKeyScope, $"{what}: grant {grant} expected, {actual.Obligations.PseudonymKeyScope} chosen");
            Assert.Equal(expected.ExpiresAt, actual.Obligations.ExpiresAt);
        }
    }
}

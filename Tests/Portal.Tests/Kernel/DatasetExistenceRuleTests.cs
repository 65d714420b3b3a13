using Portal.Policy;
using Portal.Policy.Model;

namespace Portal.Tests.Kernel;

/// <summary>
/// The one rule that decides whether a denied export or explanation may say that a dataset exists, on an engine built
/// in memory: every state a person can be in, including the moment after a first sign-in when the engine knows her
/// membership but not yet her subject (the order updates may arrive in).
/// </summary>
public sealed class DatasetExistenceRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Owner = Guid.NewGuid(), Member = Guid.NewGuid(), Outsider = Guid.NewGuid(), Newcomer = Guid.NewGuid();
    private static readonly Guid Vo = Guid.NewGuid(), OtherVo = Guid.NewGuid(), Institution = Guid.NewGuid(), Dataset = Guid.NewGuid();

    private static PolicyEngine Engine()
    {
        var engine = new PolicyEngine(new PolicyData(
            [new Subject(Owner, Institution), new Subject(Member, Institution), new Subject(Outsider, Institution)],
            [new MembershipFact(Member, Vo, MemberRole.Member), new MembershipFact(Outsider, OtherVo, MemberRole.Member)],
            [new DatasetFact(Dataset, [Owner], [], [Vo], Policy.Duo.DataUseConditions.Parse("GRU"))],
            // The VO holds a grant for another purpose: its members are candidates, and are told why it does not cover GRU.
            [new GrantFact(Guid.NewGuid(), Dataset, GrantTarget.WholeVo(Vo), Now.AddDays(-1), Now.AddDays(30), [new GrantPurpose(Policy.Duo.PurposeCode.HMB)])]));
        // The newcomer's membership in that VO arrived, her subject not yet: her only certain reason is subject.unknown.
        engine.UpsertMembership(new MembershipFact(Newcomer, Vo, MemberRole.Member));
        return engine;
    }

    private static bool Hidden(PolicyEngine engine, Guid person, Guid dataset)
    {
        var decision = engine.Decide(new AccessQuestion(person, PolicyAction.ExportData, dataset, Now,
            new DeclaredPurpose(Policy.Duo.PurposeCode.GRU), Client.Ui));
        Assert.False(decision.IsPermit);
        return DatasetExistence.IsHiddenFrom(engine, person, dataset, decision, Now);
    }

    [Fact]
    public void Someone_who_cannot_see_the_dataset_hears_the_same_as_for_an_id_that_names_nothing()
    {
        var engine = Engine();

        Assert.True(Hidden(engine, Outsider, Dataset));
        Assert.True(Hidden(engine, Outsider, Guid.NewGuid()));
        Assert.True(Hidden(engine, Newcomer, Dataset));
        Assert.True(Hidden(engine, Newcomer, Guid.NewGuid()));
    }

    [Fact]
    public void Someone_who_sees_it_in_a_catalogue_hears_the_real_reason()
    {
        var engine = Engine();

        // A member of the VO it is shared into, and its owner, may know it exists: they are told there is no grant.
        Assert.False(Hidden(engine, Member, Dataset));
        Assert.False(Hidden(engine, Owner, Dataset));
    }
}

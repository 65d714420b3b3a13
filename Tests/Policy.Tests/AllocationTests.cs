using Portal.Policy.Model;

namespace Portal.Policy.Tests;

public class AllocationTests
{
    [Fact]
    public void Deciding_allocates_nothing_whether_it_permits_or_denies()
    {
        var valid = new ValidExport();
        var snapshot = valid.Snapshot().WithGrant(valid.Grant with { Id = ValidExport.Id(41), Target = GrantTarget.Person(ValidExport.Alice), RevokedAt = ValidExport.Now });
        AccessQuestion[] requests =
        [
            valid.Request,
            valid.Request with { Purpose = valid.Request.Purpose with { Disease = "C50" } },
            valid.Request with { Now = ValidExport.Now.AddYears(1) },
            valid.Request with { Action = PolicyAction.ViewMetadata },
            valid.Request with { Action = PolicyAction.ViewAudit, SubjectId = ValidExport.Steward },
            valid.Request with { Action = PolicyAction.ManageVoMembership, ResourceId = ValidExport.Cohort },
            valid.Request with { SubjectId = ValidExport.Id(99) },
        ];
        var permits = 0;
        foreach (var r in requests)
        {
            permits += snapshot.Decide(r).IsPermit ? 1 : 0;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            foreach (var r in requests)
            {
                permits += snapshot.Decide(r).IsPermit ? 1 : 0;
            }
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(2 * 10_001, permits);
    }
}

using Portal.Features.AccessRequests;
using Portal.Features.Datasets;
using Portal.Features.Grants;
using Portal.Features.VirtualOrganizations;
using Portal.Policy.Model;

namespace Portal.Features.Access;

/// <summary>The portal's entities as the policy engine's plain records. The engine never sees EF.</summary>
public static class PolicyMapping
{
    public static Subject ToPolicy(this User u) => new(u.Id, u.InstitutionId ?? Guid.Empty, u.Suspended);

    /// <summary>Only active memberships exist for the engine; pending, left and removed ones grant nothing.</summary>
    public static MembershipFact? ToPolicy(this Membership m) => m.Status == MembershipStatus.Active
        ? new MembershipFact(m.UserId, m.VoId, m.Role == VoRole.Admin ? MemberRole.Admin : MemberRole.Member, m.ExpiresAt)
        : null;

    /// <summary>A draft is in no catalogue yet: only its owner and stewards see it, whatever VOs it is already shared into.</summary>
    public static DatasetFact ToPolicy(this Dataset d, IReadOnlyList<Guid> stewards, IReadOnlyList<Guid> sharedInto) => new(
        d.Id, [d.OwnerId], stewards, d.Status == DatasetStatus.Draft ? [] : sharedInto, ToPolicy(d.DataUse),
        d.Status == DatasetStatus.Withdrawn ? DatasetAvailability.Withdrawn : DatasetAvailability.Active);

    public static Policy.Duo.DataUseConditions ToPolicy(Portal.Data.Entities.DataUseConditions c)
    {
        var text = c.Primary == "DS"
            ? string.Join(' ', c.Diseases.Select(d => "DS:" + d))
            : c.Primary;
        return Policy.Duo.DataUseConditions.Parse(string.Join(' ', [text, .. c.Modifiers]));
    }

    public static GrantFact ToPolicy(this Grant g) => new(
        g.Id, g.DatasetId, Target(g), g.ValidFrom, g.ValidUntil,
        [.. g.Purposes.Select(p => new GrantPurpose(PurposeCodes.Parse(p.Code), p.Disease, p.Commercial))],
        // A dataset has one profile, versioned: the profile id is the dataset id.
        g.Columns, g.DatasetId, g.ProfileVersion, g.K, g.RevokedAt);

    private static GrantTarget Target(Grant g) => g.GranteeKind switch
    {
        GranteeKind.Person => GrantTarget.Person(g.GranteeUserId!.Value),
        GranteeKind.Vo => GrantTarget.WholeVo(g.GranteeVoId!.Value),
        GranteeKind.VoRole => GrantTarget.RoleInVo(g.GranteeVoId!.Value, g.GranteeRole == VoRole.Admin ? MemberRole.Admin : MemberRole.Member),
        GranteeKind.VoInstitution => GrantTarget.InstitutionInVo(g.GranteeVoId!.Value, g.GranteeInstitutionId!.Value),
        _ => throw new InvalidOperationException($"Unknown grantee kind {g.GranteeKind}"),
    };
}

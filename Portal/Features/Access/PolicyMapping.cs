using Portal.Features.AccessRequests;
using Portal.Features.Datasets;
using Portal.Features.Grants;
using Portal.Features.VirtualOrganizations;
using P = Portal.Policy.Model;

namespace Portal.Features.Access;

/// <summary>The portal's entities as the policy engine's plain records. The engine never sees EF.</summary>
public static class PolicyMapping
{
    public static P.Subject ToPolicy(this User u) => new(u.Id, u.InstitutionId ?? Guid.Empty, u.Suspended);

    /// <summary>Only active memberships exist for the engine; pending, left and removed ones grant nothing.</summary>
    public static P.Membership? ToPolicy(this Membership m) => m.Status == MembershipStatus.Active
        ? new P.Membership(m.UserId, m.VoId, m.Role == VoRole.Admin ? P.VoRole.Admin : P.VoRole.Member, m.ExpiresAt)
        : null;

    /// <summary>A draft is in no catalogue yet: only its owner and stewards see it, whatever VOs it is already shared into.</summary>
    public static P.Dataset ToPolicy(this Dataset d, IReadOnlyList<Guid> stewards, IReadOnlyList<Guid> sharedInto) => new(
        d.Id, [d.OwnerId], stewards, d.Status == DatasetStatus.Draft ? [] : sharedInto, ToPolicy(d.DataUse),
        d.Status == DatasetStatus.Withdrawn ? P.DatasetStatus.Withdrawn : P.DatasetStatus.Active);

    public static Policy.Duo.DataUseConditions ToPolicy(Portal.Data.Entities.DataUseConditions c)
    {
        var text = c.Primary == "DS"
            ? string.Join(' ', c.Diseases.Select(d => "DS:" + d))
            : c.Primary;
        return Policy.Duo.DataUseConditions.Parse(string.Join(' ', [text, .. c.Modifiers]));
    }

    public static P.Grant ToPolicy(this Grant g) => new(
        g.Id, g.DatasetId, Target(g), g.ValidFrom, g.ValidUntil,
        [.. g.Purposes.Select(p => new P.GrantPurpose(PurposeCodes.Parse(p.Code), p.Disease, p.Commercial))],
        // A dataset has one profile, versioned: the profile id is the dataset id.
        g.Columns, g.DatasetId, g.ProfileVersion, g.K, g.RevokedAt);

    private static P.GrantTarget Target(Grant g) => g.GranteeKind switch
    {
        GranteeKind.Person => P.GrantTarget.Person(g.GranteeUserId!.Value),
        GranteeKind.Vo => P.GrantTarget.WholeVo(g.GranteeVoId!.Value),
        GranteeKind.VoRole => P.GrantTarget.RoleInVo(g.GranteeVoId!.Value, g.GranteeRole == VoRole.Admin ? P.VoRole.Admin : P.VoRole.Member),
        GranteeKind.VoInstitution => P.GrantTarget.InstitutionInVo(g.GranteeVoId!.Value, g.GranteeInstitutionId!.Value),
        _ => throw new InvalidOperationException($"Unknown grantee kind {g.GranteeKind}"),
    };
}

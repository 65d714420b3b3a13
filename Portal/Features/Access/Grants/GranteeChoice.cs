using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Access.Grants;

/// <summary>Whom a direct grant names: a person, a whole VO, a role in a VO or a VO's members from one institution.</summary>
internal static class GranteeChoice
{
    /// <summary>Fills the grantee of <paramref name="grant"/> from the input, or says which field is wrong.</summary>
    public static async Task<Failure?> ApplyAsync(PortalDb db, Grant grant, CreateGrant.Input input, CancellationToken ct)
    {
        switch (input.GranteeKind?.Trim().Replace("-", "", StringComparison.Ordinal).ToUpperInvariant())
        {
            case "PERSON":
                if (input.UserId is not { } userId || !await db.Users.AnyAsync(u => u.Id == userId, ct))
                {
                    return Failure.Invalid("access.grant.unknown_user", "userId", "userId must name a portal user.");
                }
                grant.GranteeKind = GranteeKind.Person;
                grant.GranteeUserId = userId;
                return null;
            case "VO":
                grant.GranteeKind = GranteeKind.Vo;
                break;
            case "VOROLE" or "ROLE":
                if (Role(input.Role) is not { } role)
                {
                    return Failure.Invalid("access.grant.unknown_role", "role", "role must be \"member\" or \"admin\".");
                }
                grant.GranteeKind = GranteeKind.VoRole;
                grant.GranteeRole = role;
                break;
            case "VOINSTITUTION" or "INSTITUTION":
                if (input.InstitutionId is not { } institutionId || !await db.Institutions.AnyAsync(i => i.Id == institutionId, ct))
                {
                    return Failure.Invalid("access.grant.unknown_institution", "institutionId", "institutionId must name an institution.");
                }
                grant.GranteeKind = GranteeKind.VoInstitution;
                grant.GranteeInstitutionId = institutionId;
                break;
            default:
                return Failure.Invalid("access.grant.unknown_grantee_kind", "granteeKind",
                    "granteeKind must be \"person\", \"vo\", \"vo-role\" or \"vo-institution\".");
        }
        if (input.VoId is not { } voId)
        {
            return Failure.Invalid("access.grant.vo_required", "voId", "voId is required for grants to a VO, a role or an institution.");
        }
        // Only a VO that lists the dataset: a grant must not reach people who cannot even see it.
        if (!await db.DatasetShares.AnyAsync(s => s.DatasetId == grant.DatasetId && s.VoId == voId && s.Vo!.ArchivedAt == null, ct))
        {
            return Failure.Invalid("access.grant.vo_not_shared", "voId", "The dataset is not shared into this VO; share it there first.");
        }
        grant.GranteeVoId = voId;
        return null;
    }

    private static VoRole? Role(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        "" or "MEMBER" => VoRole.Member,
        "ADMIN" => VoRole.Admin,
        _ => null,
    };
}

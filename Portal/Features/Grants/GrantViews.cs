namespace Portal.Features.Grants;

/// <summary>A direct grant: to a person (userId), a whole VO (voId), a role in a VO (voId, role) or a VO's members from one institution (voId, institutionId).</summary>
public sealed record DirectGrantInput(
    Guid? DatasetId, string? GranteeKind, Guid? UserId, Guid? VoId, string? Role, Guid? InstitutionId,
    IReadOnlyList<string>? Purposes, bool? Commercial, IReadOnlyList<string>? Columns, DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil);

public sealed record ExtendGrantInput(DateTimeOffset? ValidUntil);

public sealed record RevokeGrantInput(string? Reason);

/// <summary>A grant as its dataset's owner or its grantee sees it. Status is computed at the time of asking: Live, Upcoming, Ended or Revoked.</summary>
public sealed record GrantView(
    Guid Id, Guid DatasetId, string DatasetName, string GranteeKind, Guid? GranteeUserId, string? GranteeName,
    Guid? VoId, string? VoName, string? Role, Guid? InstitutionId, string? InstitutionName,
    IReadOnlyList<string> Purposes, bool CommercialAllowed, IReadOnlyList<string>? Columns, int ProfileVersion, int K,
    DateTimeOffset ValidFrom, DateTimeOffset ValidUntil, string Status, DateTimeOffset? RevokedAt, string? RevocationReason, Guid? RequestId,
    DateTimeOffset EndsAt);

/// <summary>One person who can use a dataset now, through which grant, until when.</summary>
public sealed record AccessEntry(Guid UserId, string DisplayName, string? Institution, Guid GrantId, string GranteeKind, string Via, DateTimeOffset Until);

public sealed record GrantOption(Guid Id, string Name);

/// <summary>Choices for a direct grant on one dataset.</summary>
public sealed record GrantOptions(string DatasetName, IReadOnlyList<GrantOption> Vos, IReadOnlyList<GrantOption> People, IReadOnlyList<GrantOption> Institutions);

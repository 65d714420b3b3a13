namespace Portal.Features.AccessRequests;

/// <summary>
/// A researcher's request. purpose is a DUO code ("DS:HIV", "HMB"); from defaults to now; columns null means every column
/// the profile lets out; termsVersion is the version of the dataset's terms the researcher read and accepted.
/// </summary>
public sealed record CreateAccessRequestInput(
    Guid? DatasetId, Guid? VoId, string? Purpose, bool? Commercial, string? Description, string? EthicsReference,
    DateTimeOffset? From, DateTimeOffset? Until, IReadOnlyList<string>? Columns, bool? AcceptTerms, int? TermsVersion);

/// <summary>More time on a grant: the new end, why, and the terms accepted again.</summary>
public sealed record ExtensionRequestInput(DateTimeOffset? Until, string? Description, bool? AcceptTerms, int? TermsVersion);

/// <summary>An approval, optionally narrower than asked: a shorter period inside the requested one, fewer columns, fewer purposes.</summary>
public sealed record ApproveInput(DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil, IReadOnlyList<string>? Columns, IReadOnlyList<string>? Purposes);

public sealed record DenyInput(string? Reason);

public sealed record AccessRequestView(
    Guid Id, Guid DatasetId, string DatasetName, Guid RequesterId, string RequesterName, Guid? VoId, string Kind, Guid? ExtendsGrantId,
    string Purpose, bool Commercial, string Description, string? EthicsReference, DateTimeOffset RequestedFrom, DateTimeOffset RequestedUntil,
    IReadOnlyList<string>? Columns, int TermsVersion, string Status, DateTimeOffset CreatedAt, DateTimeOffset? DecidedAt, string? DecisionReason,
    Guid? GrantId);

/// <summary>What a researcher needs to fill in the request form: the dataset's conditions, columns and current terms.</summary>
public sealed record RequestFormView(
    Guid DatasetId, string DatasetName, string Description, string DataUse, bool RequiresEthics, IReadOnlyList<string> Columns,
    string TermsOfUse, int TermsVersion, IReadOnlyList<VoRef> Vos);

public sealed record VoRef(Guid Id, string Name);

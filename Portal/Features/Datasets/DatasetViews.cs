namespace Portal.Features.Datasets;

/// <summary>A dataset as the catalogue shows it to members of a VO it is shared into: no connector, no columns' classes.</summary>
public sealed record CatalogueEntry(
    Guid Id, string Name, string Description, string DataUse, string TermsOfUse, int TermsVersion, int DefaultK,
    string OwnerName, string? OwnerInstitution, DateTimeOffset SharedAt);

/// <summary>A dataset for its owner and stewards (<see cref="Manage"/> set), or its public metadata for catalogue readers.</summary>
public sealed record DatasetView(
    Guid Id, string Name, string Description, string Status, string DataUse, string TermsOfUse, int TermsVersion,
    int DefaultK, Guid OwnerId, string OwnerName, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? WithdrawnAt, string? WithdrawalReason, string? MyRole, DatasetManageView? Manage);

/// <summary>What only the owner and stewards see: the source (never its password), the columns, the profile, who runs it.</summary>
public sealed record DatasetManageView(
    SourceView Source, IReadOnlyList<ColumnView> Columns, string? AnonymizationProfile, int ProfileVersion,
    IReadOnlyList<StewardView> Stewards, IReadOnlyList<ShareView> Shares);

public sealed record SourceView(string Kind, string? Host, int? Port, string? Database, string? Schema, string? Relation,
    string? Username, bool HasPassword, string? FileName);

public sealed record ColumnView(string Name, string DataType, string Classification, string? Description);

public sealed record StewardView(Guid UserId, string DisplayName, DateTimeOffset AddedAt);

public sealed record ShareView(Guid VoId, string VoName, DateTimeOffset SharedAt);

/// <summary>One row of "my datasets".</summary>
public sealed record MyDatasetRow(Guid Id, string Name, string Status, string MyRole, string DataUse, int Columns, int Unclassified, DateTimeOffset UpdatedAt);

/// <summary>A suggested class for a column, with the evidence (name or value pattern) behind it.</summary>
public sealed record ColumnSuggestion(string Name, string DataType, string Current, string? Suggested, IReadOnlyList<string> Reasons);

/// <summary>The first rows as a grant would deliver them, and the manifest of that run.</summary>
public sealed record PreviewView(Guid GrantId, string Purpose, IReadOnlyList<string> Columns,
    IReadOnlyList<System.Text.Json.JsonElement> Rows, System.Text.Json.JsonElement Manifest);

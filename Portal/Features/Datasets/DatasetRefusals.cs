namespace Portal.Features.Datasets;

/// <summary>Refusals several dataset use cases give; each code is listed in docs/errors.md.</summary>
public static class DatasetRefusals
{
    /// <summary>Also for a dataset the caller may not see: existence does not leak.</summary>
    public static readonly Failure NotFound = Failure.NotFound("dataset.not_found", "No such dataset.");

    public static Failure OwnerOnly(Dataset d, string action) =>
        Failure.Forbidden("dataset.owner_only", $"Only the owner of \"{d.Name}\" may {action}; stewards may classify, set conditions and preview.");

    public static Failure Withdrawn(Dataset d) =>
        Failure.Conflict("dataset.withdrawn", "status", $"\"{d.Name}\" is withdrawn; it can no longer be changed.");

    public static Failure NameTaken(string name) =>
        Failure.Conflict("dataset.name.taken", "name", $"You already have a dataset named \"{name}\"; choose another name.");

    public static Failure? TooLong(string? value, int max, string field) =>
        TextRules.Nul(value, field)
        ?? (value is not null && value.Length > max ? Failure.Invalid("dataset.field.too_long", field, $"{field} is too long: at most {max} characters.") : null);

    /// <summary>A dataset name with a control or bidi character (see <see cref="TextRules.NameCharacters"/>).</summary>
    public static Failure? NameCharacters(string? name) => TextRules.NameCharacters(name, "dataset.name.characters", "name");

    public static readonly Failure ProfileMissing =
        Failure.Conflict("dataset.profile.missing", "anonymizationProfile", "Set an anonymization profile first.");
}

using Portal.Policy.Model;

namespace Portal.Policy.Indexing;

/// <summary>A dataset with its id lists copied into arrays, so the decision loop indexes instead of enumerating.</summary>
internal sealed class DatasetEntry(Dataset dataset)
{
    public Dataset Dataset { get; } = dataset;

    public Guid[] Owners { get; } = [.. dataset.Owners];

    public Guid[] Stewards { get; } = [.. dataset.Stewards];

    public Guid[] SharedIntoVos { get; } = [.. dataset.SharedIntoVos];

    public bool IsOwnerOrSteward(Guid userId) =>
        Array.IndexOf(Owners, userId) >= 0 || Array.IndexOf(Stewards, userId) >= 0;

    public bool IsSharedInto(Guid voId) => Array.IndexOf(SharedIntoVos, voId) >= 0;
}

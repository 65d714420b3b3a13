using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Policy.Indexing;

/// <summary>
/// A dataset compiled for the decision loop: people and VOs as dense ids, DS diseases as disease ids. Lists are
/// short (a few owners, stewards and VOs), so a linear scan over ints beats any hashing. A struct stored inside
/// its <see cref="DatasetNode"/> (one pointer hop less per decision); the default value means "no such dataset".
/// </summary>
internal readonly struct DatasetRow
{
    public DatasetRow(DatasetFact dataset, GuidInterner ids, DiseaseIndex diseases)
    {
        Dataset = dataset;
        Withdrawn = dataset.Status == DatasetAvailability.Withdrawn;
        Primary = dataset.DataUse.Primary;
        Modifiers = dataset.DataUse.Modifiers;
        OwnersAndStewards = [.. dataset.Owners.Concat(dataset.Stewards).Select(id => ids.Find(id))];
        SharedIntoVos = [.. dataset.SharedIntoVos.Select(id => ids.Find(id))];
        Diseases = [.. dataset.DataUse.Diseases.Select(d => new DiseaseRef(diseases.IdOf(d), d))];
    }

    /// <summary>Null: the dataset is unknown or was removed.</summary>
    public DatasetFact? Dataset { get; }

    public bool Withdrawn { get; }

    public DuoPrimary Primary { get; }

    public DuoModifiers Modifiers { get; }

    public int[] OwnersAndStewards { get; }

    public int[] SharedIntoVos { get; }

    public DiseaseRef[] Diseases { get; }

    /// <summary>An unknown subject (<see cref="GuidInterner.NotFound"/>) is nobody's owner: the lists hold interned ids only.</summary>
    public bool IsOwnerOrSteward(int user) => Dataset is not null && Array.IndexOf(OwnersAndStewards, user) >= 0;

    public bool IsSharedInto(int vo) => Dataset is not null && Array.IndexOf(SharedIntoVos, vo) >= 0;
}

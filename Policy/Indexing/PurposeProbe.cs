using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Policy.Indexing;

/// <summary>
/// The declared purpose prepared once per request for the grant loop: the code as a bit (to test against a
/// grant's purpose masks) and the disease as an id (one string lookup instead of one per grant).
/// </summary>
internal readonly struct PurposeProbe(in DeclaredPurpose purpose, DiseaseIndex diseases)
{
    public PurposeCode Code { get; } = purpose.Code;

    public int CodeBit { get; } = 1 << (int)purpose.Code;

    public bool Commercial { get; } = purpose.Commercial;

    public string? Disease { get; } = purpose.Disease;

    public int DiseaseId { get; } = diseases.IdOf(purpose.Disease);

    public bool IsSameOrDescendantOf(in DiseaseRef ancestor, DiseaseIndex diseases) =>
        Disease is not null && diseases.IsSameOrDescendant(DiseaseId, Disease, ancestor.Id, ancestor.Code);
}

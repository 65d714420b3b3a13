using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Policy.Indexing;

/// <summary>
/// The declared purpose prepared once per request for the grant loop: the code as a bit (to test against a
/// grant's purpose masks) and the disease as an id, looked up on first use only (most grants and datasets never
/// ask, and the lookup hashes a string). Mutable for that reason: pass it by ref.
/// </summary>
internal struct PurposeProbe(in DeclaredPurpose purpose)
{
    private const int NotLookedUp = int.MinValue;

    private int _diseaseId = NotLookedUp;

    public readonly PurposeCode Code { get; } = purpose.Code;

    public readonly int CodeBit { get; } = 1 << (int)purpose.Code;

    public readonly bool Commercial { get; } = purpose.Commercial;

    public readonly string? Disease { get; } = purpose.Disease;

    public bool IsSameOrDescendantOf(in DiseaseRef ancestor, DiseaseIndex diseases)
    {
        if (Disease is null)
        {
            return false;
        }
        if (_diseaseId == NotLookedUp)
        {
            _diseaseId = diseases.IdOf(Disease);
        }
        return diseases.IsSameOrDescendant(_diseaseId, Disease, ancestor.Id, ancestor.Code);
    }
}

using Portal.Policy.Duo;

namespace Portal.Policy.Model;

/// <summary>A dataset as the policy sees it: who runs it, where it is catalogued, what its consent allows.</summary>
public sealed record DatasetFact(
    Guid Id,
    IReadOnlyList<Guid> Owners,
    IReadOnlyList<Guid> Stewards,
    IReadOnlyList<Guid> SharedIntoVos,
    DataUseConditions DataUse,
    DatasetAvailability Status = DatasetAvailability.Active);

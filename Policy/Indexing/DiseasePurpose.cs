using Portal.Policy.Duo;

namespace Portal.Policy.Indexing;

/// <summary>A grant purpose narrowed to a disease; purposes without a disease are bits in <see cref="GrantRow"/> instead.</summary>
internal readonly record struct DiseasePurpose(PurposeCode Code, DiseaseRef Disease, bool CommercialAllowed);

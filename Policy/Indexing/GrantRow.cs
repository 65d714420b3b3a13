using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Policy.Indexing;

/// <summary>
/// A grant flattened for the decision loop: times as UTC ticks, target ids as dense ints, purposes without a
/// disease as bit masks by <see cref="PurposeCode"/>. Stored by value, sorted by principal, in its dataset's
/// <see cref="GrantIndex"/>, so the grants a request looks at sit next to each other in memory.
/// </summary>
internal readonly struct GrantRow
{
    private static readonly DiseasePurpose[] NoDiseasePurposes = [];

    public GrantRow(GrantFact grant, GuidInterner ids, DiseaseIndex diseases)
    {
        Grant = grant;
        FromTicks = grant.ValidFrom.UtcTicks;
        UntilTicks = grant.ValidUntil.UtcTicks;
        UntilOffsetMinutes = (short)grant.ValidUntil.TotalOffsetMinutes;
        Principal = ids.Find(grant.Target.PrincipalId);
        Institution = ids.Find(grant.Target.InstitutionId);
        Kind = grant.Target.Kind;
        Role = grant.Target.Role;
        Revoked = grant.RevokedAt is not null;
        List<DiseasePurpose>? narrowed = null;
        foreach (var p in grant.Purposes)
        {
            if (p.Disease is null)
            {
                PlainCodes |= (byte)(1 << (int)p.Code);
                PlainCommercialCodes |= p.CommercialAllowed ? (byte)(1 << (int)p.Code) : (byte)0;
            }
            else
            {
                (narrowed ??= []).Add(new DiseasePurpose(p.Code, new DiseaseRef(diseases.IdOf(p.Disease), p.Disease), p.CommercialAllowed));
            }
        }
        DiseasePurposes = narrowed?.ToArray() ?? NoDiseasePurposes;
    }

    public GrantFact Grant { get; }

    public long FromTicks { get; }

    public long UntilTicks { get; }

    /// <summary>
    /// The end's offset as the record states it, kept in the row (it fits the row's padding) so that a permit builds
    /// its obligation's exact end without loading the grant's record: one dependent cache miss less.
    /// </summary>
    public short UntilOffsetMinutes { get; }

    public DateTimeOffset ValidUntil
    {
        get
        {
            var offset = TimeSpan.FromMinutes(UntilOffsetMinutes);
            return new DateTimeOffset(UntilTicks + offset.Ticks, offset);
        }
    }

    public DiseasePurpose[] DiseasePurposes { get; }

    /// <summary>The person for personal grants, the VO for all others (as <see cref="GrantTarget.PrincipalId"/>).</summary>
    public int Principal { get; }

    public int Institution { get; }

    public GrantTargetKind Kind { get; }

    public MemberRole Role { get; }

    public bool Revoked { get; }

    /// <summary>Bit c set: a purpose with code c and no disease is approved (non-commercial use).</summary>
    public byte PlainCodes { get; }

    /// <summary>Bit c set: a purpose with code c and no disease is approved for commercial use too.</summary>
    public byte PlainCommercialCodes { get; }

    /// <summary>Does one of the grant's purposes cover the declared one (same code, disease, commercial rules as docs/policy.md)?</summary>
    public bool Covers(ref PurposeProbe purpose, DiseaseIndex diseases)
    {
        if (((purpose.Commercial ? PlainCommercialCodes : PlainCodes) & purpose.CodeBit) != 0)
        {
            return true;
        }
        foreach (ref readonly var p in DiseasePurposes.AsSpan())
        {
            if (p.Code == purpose.Code
                && (p.CommercialAllowed || !purpose.Commercial)
                && purpose.IsSameOrDescendantOf(p.Disease, diseases))
            {
                return true;
            }
        }
        return false;
    }
}

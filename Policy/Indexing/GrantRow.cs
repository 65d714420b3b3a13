using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Policy.Indexing;

/// <summary>
/// One slot of a dataset's <see cref="GrantIndex"/>: the principal it is keyed under and what the export loop tests
/// first, in 16 bytes without references (four to a cache line). Times are whole minutes (floor of the UTC ticks,
/// clamped to an int): a minute before or after the request's decides alone; the same minute is settled with the exact
/// ticks of the <see cref="GrantSource"/> beside it. Purposes without a disease are bit masks by
/// <see cref="PurposeCode"/>. The 100,000 grants of the benchmark take 2.4 MB this way, against 7.8 MB for the former
/// run table plus 48-byte rows: on a machine whose share of the last-level cache is a few MB that decides the speed
/// (docs/policy.md, "Speed and the cache").
/// </summary>
internal readonly struct GrantRow
{
    /// <summary>0 marks an empty slot, so a fresh array is an empty table.</summary>
    public readonly int PrincipalPlusOne;
    public readonly int FromMinute;
    public readonly int UntilMinute;
    private readonly byte _kindAndRole;
    private readonly byte _flags;

    /// <summary>Bit c set: a purpose with code c and no disease is approved (non-commercial use).</summary>
    public readonly byte PlainCodes;

    /// <summary>Bit c set: a purpose with code c and no disease is approved for commercial use too.</summary>
    public readonly byte PlainCommercialCodes;

    private const byte RevokedFlag = 1;
    private const byte DiseasePurposesFlag = 2;

    private GrantRow(int principal, GrantFact grant, bool hasDiseasePurposes, byte plainCodes, byte plainCommercialCodes)
    {
        PrincipalPlusOne = principal + 1;
        FromMinute = MinuteOf(grant.ValidFrom.UtcTicks);
        UntilMinute = MinuteOf(grant.ValidUntil.UtcTicks);
        _kindAndRole = (byte)((int)grant.Target.Kind | ((int)grant.Target.Role << 4));
        _flags = (byte)((grant.RevokedAt is not null ? RevokedFlag : 0) | (hasDiseasePurposes ? DiseasePurposesFlag : 0));
        PlainCodes = plainCodes;
        PlainCommercialCodes = plainCommercialCodes;
    }

    public GrantTargetKind Kind => (GrantTargetKind)(_kindAndRole & 0x0F);

    public MemberRole Role => (MemberRole)(_kindAndRole >> 4);

    public bool Revoked => (_flags & RevokedFlag) != 0;

    public bool HasDiseasePurposes => (_flags & DiseasePurposesFlag) != 0;

    /// <summary>Minutes since 0001-01-01 UTC, clamped to an int: monotonic, so a smaller minute is an earlier instant.</summary>
    public static int MinuteOf(long utcTicks) => (int)Math.Min(int.MaxValue, utcTicks / TimeSpan.TicksPerMinute);

    /// <summary>The hot row and its cold part. Principals that are not interned never reach here (the grant's ids are).</summary>
    public static (GrantRow Row, GrantSource Source) Compile(GrantFact grant, GuidInterner ids, DiseaseIndex diseases)
    {
        byte plain = 0;
        byte plainCommercial = 0;
        List<DiseasePurpose>? narrowed = null;
        foreach (var p in grant.Purposes)
        {
            if (p.Disease is null)
            {
                plain |= (byte)(1 << (int)p.Code);
                plainCommercial |= p.CommercialAllowed ? (byte)(1 << (int)p.Code) : (byte)0;
            }
            else
            {
                (narrowed ??= []).Add(new DiseasePurpose(p.Code, new DiseaseRef(diseases.IdOf(p.Disease), p.Disease), p.CommercialAllowed));
            }
        }
        var principal = ids.Find(grant.Target.PrincipalId);
        var row = new GrantRow(principal, grant, narrowed is not null, plain, plainCommercial);
        return (row, new GrantSource(grant, narrowed?.ToArray(), ids.Find(grant.Target.InstitutionId)));
    }

    /// <summary>Does one of the grant's purposes cover the declared one (same code, disease, commercial rules as docs/policy.md)?</summary>
    public bool Covers(ref PurposeProbe purpose, in GrantSource source, DiseaseIndex diseases)
    {
        if (((purpose.Commercial ? PlainCommercialCodes : PlainCodes) & purpose.CodeBit) != 0)
        {
            return true;
        }
        if (!HasDiseasePurposes)
        {
            return false;
        }
        foreach (ref readonly var p in source.DiseasePurposes.AsSpan())
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

namespace UserJob;

/// <summary>What differs between the two builds of this sample (built with <c>-p:JobVariant=2</c> or without).</summary>
public static class JobVersion
{
#if JOB_VARIANT_2
    /// <summary>The label of every output line.</summary>
    public const string Label = "v2";

    /// <summary>Every reading is multiplied by this when it is parsed.</summary>
    public const long Scale = 2;
#else
    /// <summary>The label of every output line.</summary>
    public const string Label = "v1";

    /// <summary>Every reading is multiplied by this when it is parsed.</summary>
    public const long Scale = 1;
#endif
}

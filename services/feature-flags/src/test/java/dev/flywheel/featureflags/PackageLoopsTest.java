package dev.flywheel.featureflags;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** No package of this module depends on another that depends back on it, directly or around a loop. */
@AnalyzeClasses(packages = "dev.flywheel.featureflags", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageLoopsTest {

    @ArchTest
    static final ArchRule NO_PACKAGE_LOOPS = slices().matching("dev.flywheel.featureflags.(**)").should()
            .beFreeOfCycles();
}

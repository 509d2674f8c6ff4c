package dev.eddy.cdk;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The CDK construct's boundary (docs/architecture.md): it reads a pipeline through the public API only, as a
 * user's CDK app does. (It is one package, so it has no package cycle.) The rest of Eddy is checked by the
 * emulator module's {@code ArchitectureTest}.
 */
class CdkArchitectureTest {

    private static final JavaClasses CDK = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.eddy.cdk");

    @Test
    void theConstructUsesNoInternalPackage() {
        noClasses().that().resideInAPackage("dev.eddy.cdk..").should().dependOnClassesThat()
                .resideInAPackage("..internal..")
                .because("the construct provisions what a pipeline names, read through the public API, so that a"
                        + " user's CDK app can do the same")
                .check(CDK);
    }
}

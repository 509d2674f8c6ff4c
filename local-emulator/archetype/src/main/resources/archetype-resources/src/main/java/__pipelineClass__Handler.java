package ${package};

import dev.eddy.handler.EddyHandler;

/** What Lambda calls: the handler of the ${pipeline} pipeline, one instance per execution environment. */
public final class ${pipelineClass}Handler extends EddyHandler {

    /** Creates the handler; Lambda calls this once per execution environment. */
    public ${pipelineClass}Handler() {
        super(new ${pipelineClass}());
    }
}

package org.revtaf.engine.backend.profile;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.ConvKernels;
import org.revtaf.engine.backend.ElementwiseKernels;
import org.revtaf.engine.backend.FusedKernels;
import org.revtaf.engine.backend.IndexKernels;
import org.revtaf.engine.backend.MatmulKernels;
import org.revtaf.engine.backend.NormKernels;
import org.revtaf.engine.backend.OptimKernels;
import org.revtaf.engine.backend.ReduceKernels;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Storage;

/**
 * A backend seen through the profiler: the same kernels, each call timed and charged to one op
 * name. The kernel families are dynamic proxies of their interfaces (so a kernel added to a family
 * is profiled without a change here), made once per op name and backend while a session runs.
 */
final class ProfiledBackend implements Backend {
    private final ProfileSession session;
    private final String op;
    private final Backend delegate;
    private final Map<Method, String[]> labels = new HashMap<>();
    private Kernels kernels;

    ProfiledBackend(ProfileSession session, String op, Backend delegate) {
        this.session = session;
        this.op = op;
        this.delegate = delegate;
    }

    Backend delegate() {
        return delegate;
    }

    @Override
    public Device device() {
        return delegate.device();
    }

    @Override
    public Storage allocate(DType dtype, int n, boolean zero) {
        return delegate.allocate(dtype, n, zero);
    }

    @Override
    public Kernels kernels() {
        Kernels k = kernels;
        if (k == null) {
            Kernels d = delegate.kernels();
            k = new Kernels(
                    timed(ElementwiseKernels.class, d.elementwise()),
                    timed(ReduceKernels.class, d.reduce()),
                    timed(MatmulKernels.class, d.matmul()),
                    timed(ConvKernels.class, d.conv()),
                    timed(NormKernels.class, d.norm()),
                    timed(IndexKernels.class, d.index()),
                    timed(FusedKernels.class, d.fused()),
                    timed(OptimKernels.class, d.optim()));
            kernels = k;
        }
        return k;
    }

    /** The NVTX name of a kernel call: "op: kernel" or "op backward: kernel". */
    String label(Method kernel, boolean backward) {
        String[] l = labels.computeIfAbsent(
                kernel, m -> new String[] {op + ": " + m.getName(), op + " backward: " + m.getName()});
        return l[backward ? 1 : 0];
    }

    private <T> T timed(Class<T> family, T target) {
        if (target == null) return null;
        InvocationHandler h = (proxy, method, args) -> call(target, method, args);
        return family.cast(Proxy.newProxyInstance(family.getClassLoader(), new Class<?>[] {family}, h));
    }

    private Object call(Object target, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class || !session.enterKernel(this, method))
            return invoke(target, method, args);
        long t0 = System.nanoTime();
        try {
            return invoke(target, method, args);
        } finally {
            session.exitKernel(op, t0);
        }
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}

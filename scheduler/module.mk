# scheduler: the policy as a pure library (libc only), linked by ballastd,
# the simulator, the tests and the benchmark.
BSCHED_LIB := $(B)/libbsched.a
BSCHED_SRCS := config.c state.c stuck.c demand.c shares.c pool.c allocate.c \
	smooth.c reserve.c probe.c tick.c vcpu.c vcpu_shares.c
BSCHED_OBJS := $(addprefix $(B)/scheduler/,$(BSCHED_SRCS:.c=.o))
$(BSCHED_LIB): $(BSCHED_OBJS)
LIBS += $(BSCHED_LIB)
